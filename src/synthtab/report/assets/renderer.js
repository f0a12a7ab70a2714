(function(){
var errors=window.__reportErrors;
var status=document.getElementById('render-status');
var report=function(nodes){var drawn=0;nodes.forEach(function(n){if(n.querySelector('.main-svg'))drawn++;});
status.textContent='charts='+nodes.length+' drawn='+drawn+' errors='+errors.length;
document.getElementById('render-errors').textContent=errors.join('\n');};
var nodes=Array.prototype.slice.call(document.querySelectorAll('.chart'));
var jobs=[];
try{
var figures=JSON.parse(document.getElementById('report-data').textContent).figures;
nodes.forEach(function(node){
var figure=figures[Number(node.getAttribute('data-figure'))];
try{jobs.push(Plotly.newPlot(node,figure.data,figure.layout,{displaylogo:false,displayModeBar:false,responsive:true,typesetMath:false}));}catch(e){errors.push(String(e));}
});
}catch(e){errors.push(String(e));}
Promise.all(jobs).then(function(){report(nodes);},function(e){errors.push(String(e));report(nodes);});
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
